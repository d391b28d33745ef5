"""sources/generator"""
