package monittest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Listen is where Monit's httpd listens.
type Listen uint8

const (
	// ListenTCP is plain HTTP on a free loopback port.
	ListenTCP Listen = iota
	// ListenUnix is `set httpd unixsocket DIR/monit.sock`: no TCP port at all.
	ListenUnix
	// ListenTLS is HTTPS on a free loopback port with a self-signed certificate for
	// 127.0.0.1 and CertName (`with ssl { pemfile: ... }`).
	ListenTLS
)

// CertName is the DNS name, besides 127.0.0.1, in the certificate of ListenTLS.
const CertName = "monittest.local"

func (l Listen) url(dir string, port int) string {
	switch l {
	case ListenUnix:
		return "unix://" + filepath.Join(dir, "monit.sock")
	case ListenTLS:
		return fmt.Sprintf("https://127.0.0.1:%d", port)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

// httpd is the control file's `set httpd` statement.
func (l Listen) httpd(dir string, port int, pemFile string) string {
	switch l {
	case ListenUnix:
		return "set httpd unixsocket " + filepath.Join(dir, "monit.sock")
	case ListenTLS:
		return fmt.Sprintf("set httpd port %d use address 127.0.0.1\n    with ssl { pemfile: %s }", port, pemFile)
	}
	return fmt.Sprintf("set httpd port %d use address 127.0.0.1", port)
}

func (m *Monit) pemFile() string { return filepath.Join(m.Dir, "monit.pem") }

// writeCertificate makes a self-signed certificate, writes key and certificate to the
// pemfile Monit serves (mode 0600, as Monit requires) and the certificate alone to a CA
// file, and returns the CA file's path.
func (m *Monit) writeCertificate(t testing.TB) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: CertName},
		DNSNames:              []string{CertName},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pair := append(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), cert...)
	if err := os.WriteFile(m.pemFile(), pair, 0o600); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	ca := filepath.Join(m.Dir, "monit-ca.pem")
	if err := os.WriteFile(ca, cert, 0o644); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	return ca
}
