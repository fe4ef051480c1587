import matplotlib

matplotlib.use("Agg")  # set here, never through MPLBACKEND (it would strip the book's figures)

from hypothesis import settings  # noqa: E402

settings.register_profile("book", max_examples=60, deadline=None)
settings.load_profile("book")
