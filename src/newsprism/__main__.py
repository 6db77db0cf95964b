if __name__ == "__main__":
    # Worker processes import this module too (as __mp_main__): they must neither run the
    # CLI nor import it (Typer, Rich and every command: 0.15 s of each worker's start).
    from newsprism.cli import main

    main()
