module wasp.example/greeter-plugin

go 1.24

require wasp.example/guest v0.0.0

// The guest package lives in this repository; nothing is fetched.
replace wasp.example/guest => ../../../guests/go
