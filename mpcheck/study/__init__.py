"""The study features: the progress store, scheduling (FSRS), decks, practice sessions and
their answer reader, exams, statistics, worksheets and progress files.
"""
