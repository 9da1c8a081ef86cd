module enrollkit.invalid/benches/go

go 1.22

require howett.net/plist v1.0.1
