// Command plistbench times Go peers for benches/plist_compare.py and benches/run_all.py:
// howett.net/plist parse and serialize on the same files enrollkit reads, and crypto/ecdsa
// P-256 sign/verify (SHA-256 of the same ~5 KB profile, then the raw signature).
// It prints one JSON object: operation name -> nanoseconds per operation.
//
// Usage: go run . -seconds 2 -corpus DIR -large FILE.xml [-profile FILE]
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"howett.net/plist"
)

func measure(seconds float64, op func()) float64 {
	op() // warm up
	budget := time.Duration(seconds * float64(time.Second))
	n := 0
	start := time.Now()
	for time.Since(start) < budget {
		op()
		n++
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	seconds := flag.Float64("seconds", 2, "time per operation")
	corpus := flag.String("corpus", "", "directory of .mobileconfig files")
	large := flag.String("large", "", "large XML plist")
	profile := flag.String("profile", "", "file to sign (ECDSA benchmarks are skipped without it)")
	flag.Parse()
	out := map[string]float64{}

	if *corpus != "" {
		var files [][]byte
		var names []string
		must(filepath.WalkDir(*corpus, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".mobileconfig") {
				names = append(names, path)
			}
			return err
		}))
		sort.Strings(names)
		for _, n := range names {
			b, err := os.ReadFile(n)
			must(err)
			files = append(files, b)
		}
		out["parse_xml/corpus"] = measure(*seconds, func() {
			for _, f := range files {
				var v interface{}
				_, err := plist.Unmarshal(f, &v)
				must(err)
			}
		})
	}
	if *large != "" {
		xmlBytes, err := os.ReadFile(*large)
		must(err)
		var value interface{}
		_, err = plist.Unmarshal(xmlBytes, &value)
		must(err)
		binBytes, err := plist.Marshal(value, plist.BinaryFormat)
		must(err)
		out["parse_xml/large"] = measure(*seconds, func() {
			var v interface{}
			_, err := plist.Unmarshal(xmlBytes, &v)
			must(err)
		})
		out["parse_binary/large"] = measure(*seconds, func() {
			var v interface{}
			_, err := plist.Unmarshal(binBytes, &v)
			must(err)
		})
		out["write_xml/large"] = measure(*seconds, func() {
			_, err := plist.Marshal(value, plist.XMLFormat)
			must(err)
		})
		out["write_binary/large"] = measure(*seconds, func() {
			_, err := plist.Marshal(value, plist.BinaryFormat)
			must(err)
		})
	}
	if *profile != "" {
		data, err := os.ReadFile(*profile)
		must(err)
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		digest := sha256.Sum256(data)
		sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
		must(err)
		out["ecdsa_p256_sign"] = measure(*seconds, func() {
			d := sha256.Sum256(data)
			_, err := ecdsa.SignASN1(rand.Reader, key, d[:])
			must(err)
		})
		out["ecdsa_p256_verify"] = measure(*seconds, func() {
			d := sha256.Sum256(data)
			if !ecdsa.VerifyASN1(&key.PublicKey, d[:], sig) {
				must(fmt.Errorf("signature does not verify"))
			}
		})
	}
	must(json.NewEncoder(os.Stdout).Encode(out))
}
