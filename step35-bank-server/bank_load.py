#!/usr/bin/env python3
"""Transfers per second against a running bank (lesson 35): C clients, each logs in as alice or
bob and sends N transfers of 1 cent to the other, one at a time, waiting for each reply.
usage: python3 step35-bank-server/bank_load.py PORT [CLIENTS] [TRANSFERS_PER_CLIENT]"""
import socket
import struct
import sys
import threading
import time


def command(sock, text):
    body = text.encode()
    sock.sendall(struct.pack('>I', len(body)) + body)  # the course's framing: 4-byte big-endian length
    header = receive(sock, 4)
    return receive(sock, struct.unpack('>I', header)[0]).decode()


def receive(sock, count):
    data = b''
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError('the server closed the connection')
        data += chunk
    return data


def client(port, index, transfers, answered, lock):
    me, other = ('alice', 'bob') if index % 2 == 0 else ('bob', 'alice')
    with socket.create_connection(('127.0.0.1', port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reply = command(sock, f'LOGIN {me} {me}-secret')
        if not reply.startswith('OK'):
            raise SystemExit(f'login as {me} failed: {reply}')
        ok = sum(command(sock, f'TRANSFER {other} 1').startswith('OK') for _ in range(transfers))
    with lock:
        answered[0] += ok


def main():
    port = int(sys.argv[1])
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    transfers = int(sys.argv[3]) if len(sys.argv) > 3 else 400
    answered, lock = [0], threading.Lock()
    threads = [threading.Thread(target=client, args=(port, i, transfers, answered, lock)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - start
    print(f'{answered[0]} transfers answered OK in {seconds:.2f} s: {answered[0] / seconds:,.0f} per second')


if __name__ == '__main__':
    main()
