"""Further `nahbei` sub-commands (contribution workflow helpers) register here."""


def register(sub) -> None:
    return None
