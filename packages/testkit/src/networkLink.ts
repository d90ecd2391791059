import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP link between some clients and the site server that can be cut and healed,
 * like a room's switch failing. Only ever listens on and connects to 127.0.0.1.
 */
export class NetworkLink {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private isCut = false;

  private constructor(
    private readonly targetPort: number,
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
  }

  static async create(targetUrl: string): Promise<NetworkLink> {
    const targetPort = Number(new URL(targetUrl).port);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('link has no port');
    const link = new NetworkLink(targetPort, address.port, server);
    server.on('connection', (client) => link.accept(client));
    return link;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get cut(): boolean {
    return this.isCut;
  }

  /** Drops every connection and refuses new ones until healed. */
  sever(): void {
    this.isCut = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  heal(): void {
    this.isCut = false;
  }

  close(): Promise<void> {
    this.sever();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
