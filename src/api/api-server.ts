import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { WorkflowClient } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import type { CredentialCipher } from '../providers/credential-cipher.js';
import { createProviderResolver } from '../activities/provider-resolver.js';
import { createApp } from './app.js';
import { DlrDispatcher } from './dlr-dispatcher.js';
import type { DlrDispatcherOptions } from './dlr-dispatcher.js';
import { createWebhookRoutes } from './webhook-routes.js';
import { InboundMessageStarter } from './inbound-message-starter.js';
import type { InboundMessageStarterOptions } from './inbound-message-starter.js';

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  db: Db;
  temporal: WorkflowClient;
  cipher: CredentialCipher;
  logger: Logger;
  /** The business clock (src/clock.ts) of the routes and webhook intake. */
  now: Clock;
  taskQueue: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Public base URL; default `http://<host>:<port>` once listening. */
  publicBaseUrl?: string;
  dispatcher?: DlrDispatcherOptions;
  /** Inbound (MO) workflow starts: concat wait, attribution window, sweeper timing. */
  inbound?: InboundMessageStarterOptions;
}

/** A listening API server. */
export interface ApiServer {
  url: string;
  publicBaseUrl: string;
  dispatcher: DlrDispatcher;
  inbound: InboundMessageStarter;
  close(): Promise<void>;
}

/**
 * Starts the HTTP API (REST + provider webhooks) with its DLR dispatcher. When no public URL is
 * configured the listening address is used, which is right for local runs only.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const dispatcher = new DlrDispatcher(options.db, options.temporal, options.logger, options.dispatcher);
  const inbound = new InboundMessageStarter(options.db, options.temporal, options.taskQueue, options.logger, options.inbound);
  let publicBaseUrl = options.publicBaseUrl ?? '';
  const providers = createProviderResolver(options.db, options.cipher);
  // The routes read publicBaseUrl lazily through this object, so port 0 works.
  const routeDeps = { db: options.db, providers, dispatcher, inbound, logger: options.logger, now: options.now, get publicBaseUrl() { return publicBaseUrl; } };
  const appDeps = {
    db: options.db,
    temporal: options.temporal,
    taskQueue: options.taskQueue,
    cipher: options.cipher,
    logger: options.logger,
    now: options.now,
    webhookRoutes: createWebhookRoutes(routeDeps),
    get publicBaseUrl() {
      return publicBaseUrl;
    },
  };
  const app = createApp(appDeps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(s));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host}:${address.port}`;
  if (!publicBaseUrl) publicBaseUrl = url;
  dispatcher.start();
  inbound.start();
  return {
    url,
    publicBaseUrl,
    dispatcher,
    inbound,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.stop();
      await inbound.stop();
    },
  };
}
