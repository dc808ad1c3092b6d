from relmap.cli import main

if __name__ == "__main__":  # not again in a process validation starts (ingest.halves)
    main()
