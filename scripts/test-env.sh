# Sourced by `make test`: points the Go tests at PostgreSQL and NATS when they answer
# locally, unless the caller already set the variables (set them empty to opt out).

siyu_port_open() { # host port
	timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

if [[ -z ${SIYU_TEST_POSTGRES+x} ]]; then
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -h 127.0.0.1 -p 5432 -t 2 && export SIYU_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
	else
		siyu_port_open 127.0.0.1 5432 && export SIYU_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
	fi
fi
if [[ -z ${SIYU_TEST_NATS+x} ]]; then
	siyu_port_open 127.0.0.1 4222 && export SIYU_TEST_NATS='nats://127.0.0.1:4222'
fi
echo "test-env: SIYU_TEST_POSTGRES=${SIYU_TEST_POSTGRES:-(unset: SQLite only)}"
echo "test-env: SIYU_TEST_NATS=${SIYU_TEST_NATS:-(unset: embedded NATS only)}"
unset -f siyu_port_open
true
