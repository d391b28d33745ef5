from claude_fake.cli import main

raise SystemExit(main())
