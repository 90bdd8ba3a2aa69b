"""Training data and evaluation for the trained extraction components (`make train`).

Not part of the installed package: it reads third-party texts from ../shared/ at training
time and writes DocBins under train/corpus/ (git-ignored); the trained models are copied
into src/kg/models/ by `python -m train.ship`.
"""
