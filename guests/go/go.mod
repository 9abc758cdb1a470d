module wasp.example/guest

go 1.24
