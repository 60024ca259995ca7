/**
 * A self-signed TLS certificate for 127.0.0.1, for tests that need an HTTPS server (the real Daytona
 * API is HTTPS; the emulator is plain HTTP). Throwaway: it protects nothing and is trusted only where
 * a test passes it as a CA. Made with
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
 *     -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1"
 * (valid until 2126).
 */
export const LOCAL_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgADKpysJwkZFoQjAz
rTTzIUx3TRBe0XuoHc31usAs692hRANCAASXYm3/Px88FmPKjRmYnNkSF4zQkzJh
GNjF5culL56f/GAzqxhlZqUdH9WVFMchDASF+XhhLlekU2MvwhnQpcP9
-----END PRIVATE KEY-----`;

export const LOCAL_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUcUMy2Ji3JS9O87gsLpErrTroc7IwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTIwNDA0MDAzNFoYDzIxMjYxMTEw
MDQwMDM0WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASXYm3/Px88FmPKjRmYnNkSF4zQkzJhGNjF5culL56f/GAzqxhlZqUd
H9WVFMchDASF+XhhLlekU2MvwhnQpcP9o2QwYjAdBgNVHQ4EFgQURAOAZJ3jEn51
TuUtJ5Y4QjmkvOwwHwYDVR0jBBgwFoAURAOAZJ3jEn51TuUtJ5Y4QjmkvOwwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
ICIPAgIWocPf13j7hCVgZE5WR6kZgvg0+dmnQwhU0lNNAiAEx11SFomi0lAqpSMM
6u8ZbN78Jali6jkAw/dLPWcRIw==
-----END CERTIFICATE-----`;
