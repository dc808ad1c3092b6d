from relmap.cli import main

main()
