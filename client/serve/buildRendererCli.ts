// `npm run build -w client`: the renderer's static files into client/dist/renderer (or the directory given).
import { buildRenderer } from './rendererBuild.ts';

const outDir = await buildRenderer(process.argv[2]);
process.stdout.write(`Built the Bleep renderer into ${outDir}\n`);
