import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP link between some clients and the site server that can be cut and healed,
 * like a room's switch failing. Only ever listens on and connects to 127.0.0.1. It also keeps
 * every byte that crosses it, both ways, as a sniffer on the LAN would see them.
 */
export class NetworkLink {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private isCut = false;
  private readonly seen: Buffer[] = [];

  private constructor(
    private readonly scheme: string,
    private readonly targetPort: number,
    readonly port: number,
    server: Server,
  ) {
    this.server = server;
  }

  static async create(targetUrl: string): Promise<NetworkLink> {
    const target = new URL(targetUrl);
    const targetPort = Number(target.port);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('link has no port');
    const link = new NetworkLink(target.protocol, targetPort, address.port, server);
    server.on('connection', (client) => link.accept(client));
    return link;
  }

  /** The target's address through the link (same scheme: the link only moves bytes). */
  get url(): string {
    return `${this.scheme}//127.0.0.1:${this.port}`;
  }

  /** Everything that crossed the link so far, in both directions. */
  captured(): Buffer {
    return Buffer.concat(this.seen);
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
    for (const s of [client, upstream]) s.on('data', (chunk: Buffer) => this.seen.push(chunk));
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
