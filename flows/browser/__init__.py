"""The story browser: a small read-only web app over the analysts' read copy (`newswatch browse`, `make serve`)."""
