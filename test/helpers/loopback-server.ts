import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 (any free port) for the scripted WeChats; `sockets` holds its
 * open connections, so a test can cut them. Resolves with the server and its base URL.
 */
export async function listenOnLoopback(
  handler: RequestListener,
  sockets: Set<Socket>,
  onConnection: () => void = () => undefined,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.on('connection', (socket: Socket) => {
    onConnection();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes the server and every connection it still has (held answers included). */
export async function closeNow(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
