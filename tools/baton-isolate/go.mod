module baton.local/baton-isolate

go 1.24
