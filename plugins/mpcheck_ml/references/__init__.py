"""Reference implementations of the ml topic, written from the formulas and checked against
PyTorch (torch.optim, autograd). Each module imports torch at its top: it is imported only when a
reference runs (``mpcheck ref ml``)."""
