// A plain nginx reverse proxy in front of Synapse: what a trust would run without Bleep, the baseline the gateway
// is measured against. Debian's nginx, keep-alive to the upstream, its own config and pid in a temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackage } from './debianPackage.ts';

export type NginxProxy = Readonly<{ url: string; stop: () => Promise<void> }>;

export async function startNginxProxy(upstreamPort: number, listenPort: number): Promise<NginxProxy> {
  await ensureDebianPackage('/usr/sbin/nginx', '-v', 'nginx-light');
  const dir = await mkdtemp(join(tmpdir(), 'bleep-bench-nginx-'));
  const config = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 50m;
  upstream synapse { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://synapse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
`;
  const configPath = join(dir, 'nginx.conf');
  await writeFile(configPath, config);
  const child: ChildProcess = spawn('/usr/sbin/nginx', ['-c', configPath, '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${listenPort}`;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await fetch(`${url}/health`);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGQUIT');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
