from helpline_tui.cli import main

raise SystemExit(main())
