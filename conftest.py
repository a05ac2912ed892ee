import os

# Tests run without production secrets; production settings are tested explicitly.
os.environ.setdefault("MAYORALFORUM_LOCAL", "1")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "1")
