"""One package per external system (Anaplan, Infor, Oracle), each the same shape."""
