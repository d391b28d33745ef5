"""Cassettes: vcrpy-compatible recordings of Messages API traffic, replayed and recorded.

``source.CassetteSource`` is what the engine calls; ``store`` names, loads and saves files;
``transcript`` backs ``claude-fake cassette show|check``. Only ``vcr_backend`` imports vcrpy.
"""
