"""What tests share beyond fixtures: directories built once and copied, the CLI run in-process,
and the harnesses (network faults, crashed imports, readers during an import) that the benchmarks in
bench/ also use. Tests import from here, never from bench/."""
