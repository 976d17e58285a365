"""Chart functions: pure (rows in, Altair chart out), one registered theme."""
