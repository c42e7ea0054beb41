"""Katas: coding drills checked by PyTorch checkers in a separate process.

Only `toolkit`, `bans`, `judge`, `sandbox` and `worker` import torch; the
command line and the TUI talk to a worker process through `client` and never
import torch themselves.
"""
