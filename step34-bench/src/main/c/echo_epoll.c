/*
 * The "physical limit" of the benchmark: a single-threaded, level-triggered epoll echo server in
 * C, with no framing logic at all (echoing bytes echoes frames). What a Java server cannot beat on
 * the same machine tells how much of a result is the kernel and the loopback, not the server.
 *
 * usage: echo_epoll HOST PORT      (PORT 0 picks a free port; prints "listening on HOST:PORT")
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 1024
#define READ_SIZE (64 * 1024)

/* What a connection could not write yet; NULL when nothing waits. */
struct conn {
    int fd;
    char *pending;
    size_t pending_len;
};

static int set_events(int ep, struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void drop(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->pending);
    free(c);
}

/* Writes what it can; keeps the rest and asks for EPOLLOUT. Returns -1 if the peer is gone. */
static int send_or_keep(int ep, struct conn *c, const char *data, size_t len) {
    ssize_t n = 0;
    if (c->pending_len == 0) {
        n = write(c->fd, data, len);
        if (n < 0 && errno != EAGAIN) return -1;
        if (n < 0) n = 0;
        if ((size_t) n == len) return 0;
    }
    char *grown = realloc(c->pending, c->pending_len + len - n);
    if (grown == NULL) return -1;
    memcpy(grown + c->pending_len, data + n, len - n);
    c->pending = grown;
    c->pending_len += len - n;
    return set_events(ep, c, EPOLLOUT); /* stop reading until the backlog drains: backpressure */
}

static int flush_pending(int ep, struct conn *c) {
    ssize_t n = write(c->fd, c->pending, c->pending_len);
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    memmove(c->pending, c->pending + n, c->pending_len - n);
    c->pending_len -= n;
    return c->pending_len == 0 ? set_events(ep, c, EPOLLIN) : 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 || bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0
            || listen(listener, 1024) < 0) {
        fprintf(stderr, "error: cannot listen on %s:%s: %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    socklen_t addr_len = sizeof addr;
    getsockname(listener, (struct sockaddr *) &addr, &addr_len);
    printf("listening on %s:%d\n", argv[1], ntohs(addr.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL marks the listener */
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    struct epoll_event events[MAX_EVENTS];
    static char buf[READ_SIZE];
    for (;;) {
        int ready = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (ready < 0 && errno == EINTR) continue;
        for (int i = 0; i < ready; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            if (events[i].events & EPOLLOUT) {
                if (flush_pending(ep, c) < 0) drop(ep, c);
                continue;
            }
            ssize_t n = read(c->fd, buf, sizeof buf);
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                drop(ep, c);
            } else if (n > 0 && send_or_keep(ep, c, buf, n) < 0) {
                drop(ep, c);
            }
        }
    }
}
