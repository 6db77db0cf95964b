"""``python -m newsprism``, and the ``newsprism`` command (``main``)."""


def main() -> None:
    """The command line, with Ctrl+C handled from the first instant (``newsprism.interrupt``):
    importing it (Typer, Rich, every command) takes seconds on a busy machine, and a Ctrl+C
    then printed a traceback and killed the process by the signal."""
    from newsprism.interrupt import handle_ctrl_c, interrupted

    handle_ctrl_c()
    try:
        from newsprism.cli import main as run
    except KeyboardInterrupt:
        interrupted()
    run()


if __name__ == "__main__":
    # Worker processes import this module too (as __mp_main__): they must neither run the
    # CLI nor import it (Typer, Rich and every command: 0.15 s of each worker's start).
    main()
