/* The Runtime API floor of bench/lambda.py: the smallest Lambda custom runtime, in C.
 *
 *   cc -O2 -o bootstrap bench/lambda_floor.c
 *
 * It fetches each event from the Runtime API ($AWS_LAMBDA_RUNTIME_API) over one kept-alive
 * connection, reads and discards it, and posts a fixed API Gateway answer with the loan
 * example's prediction. No JSON parsing, no model: what is left of an invocation's time is
 * the Runtime API hop itself (the emulator handing the event over /next and taking the answer),
 * the floor under any function's warm "time inside the function" on the same machine.
 */
#define _GNU_SOURCE /* memmem */
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static const char ANSWER[] =
    "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},"
    "\"body\":\"{\\\"prediction\\\":\\\"Approved\\\",\\\"probability\\\":0.876205}\",\"isBase64Encoded\":false}";

static int fd = -1;
static char host[256], port[16];
static char buf[1 << 20];
static size_t have = 0; /* bytes buffered in buf */

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void connect_api(void) {
    struct addrinfo hints = {0}, *res;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) die("getaddrinfo");
    fd = socket(res->ai_family, res->ai_socktype, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    freeaddrinfo(res);
    have = 0;
}

static void send_all(const char *data, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, data, length);
        if (n <= 0) die("write");
        data += n;
        length -= (size_t)n;
    }
}

static void fill(void) {
    if (have == sizeof buf) { fprintf(stderr, "response too large\n"); exit(1); }
    ssize_t n = read(fd, buf + have, sizeof buf - have);
    if (n <= 0) die("read");
    have += (size_t)n;
}

static void consume(size_t n) {
    memmove(buf, buf + n, have - n);
    have -= n;
}

/* Reads one response; copies the request id header (if any) into id. Discards the body. */
static void read_response(char *id, size_t id_size) {
    char *end;
    while ((end = memmem(buf, have, "\r\n\r\n", 4)) == NULL) fill();
    size_t head = (size_t)(end - buf) + 4;
    long length = 0;
    int chunked = 0;
    if (id) id[0] = 0;
    for (char *line = buf; line < end;) {
        char *eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
        if (!eol) break;
        size_t len = (size_t)(eol - line);
        if (len > 15 && strncasecmp(line, "Content-Length:", 15) == 0) length = strtol(line + 15, NULL, 10);
        if (len > 18 && strncasecmp(line, "Transfer-Encoding:", 18) == 0 && memmem(line, len, "chunked", 7)) chunked = 1;
        if (id && len > 30 && strncasecmp(line, "Lambda-Runtime-Aws-Request-Id:", 30) == 0) {
            char *v = line + 30;
            while (*v == ' ') v++;
            size_t n = (size_t)(eol - v);
            if (n >= id_size) n = id_size - 1;
            memcpy(id, v, n);
            id[n] = 0;
        }
        line = eol + 2;
    }
    consume(head);
    if (!chunked) {
        while (have < (size_t)length) fill();
        consume((size_t)length);
        return;
    }
    for (;;) { /* chunked: size line, data, CRLF; a zero size ends it (no trailers expected) */
        char *eol;
        while ((eol = memmem(buf, have, "\r\n", 2)) == NULL) fill();
        long size = strtol(buf, NULL, 16);
        size_t line = (size_t)(eol - buf) + 2;
        while (have < line + (size_t)size + 2) fill();
        consume(line + (size_t)size + 2);
        if (size == 0) return;
    }
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) { fprintf(stderr, "AWS_LAMBDA_RUNTIME_API is not set\n"); return 1; }
    const char *colon = strrchr(api, ':');
    if (!colon) { fprintf(stderr, "AWS_LAMBDA_RUNTIME_API has no port\n"); return 1; }
    snprintf(host, sizeof host, "%.*s", (int)(colon - api), api);
    snprintf(port, sizeof port, "%s", colon + 1);
    connect_api();
    static const char next[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: runtime\r\n\r\n";
    char id[256], request[4096];
    for (;;) {
        send_all(next, sizeof next - 1);
        read_response(id, sizeof id);
        int n = snprintf(request, sizeof request,
                         "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: runtime\r\n"
                         "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                         id, sizeof ANSWER - 1, ANSWER);
        send_all(request, (size_t)n);
        read_response(NULL, 0);
    }
}
