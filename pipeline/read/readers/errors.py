"""The one error a reader raises: the reason a file cannot be read (the dispatcher adds the path)."""


class ReaderError(Exception):
    def __init__(self, reason: str):
        self.reason = " ".join(str(reason).split())
        super().__init__(self.reason)
