"""The plugin host: hook specifications, entry points, the loader and the catalogue of what
plugins registered. Plugin authors import ``mpcheck.api``, never this package.
"""
