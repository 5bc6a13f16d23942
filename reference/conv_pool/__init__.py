"""Reference solution of the conv_pool assignment (CS231n naive conv/pool layers and a fast conv)."""
