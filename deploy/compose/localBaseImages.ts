// The local base images docker-compose.yml builds from when no registry is reachable: each built from its recipe
// (baseRecipes.ts) into a Debian root, packed once into a tar under the cache directory, and `docker import`ed as
// a tag that carries the recipe's hash. A second run finds the tag (or, after the engine's store was wiped, the
// tar) and builds nothing.
import { createHash } from 'node:crypto';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runLogged, type Reporter } from '../local/src/progress.ts';
import { baseRecipes, type BaseName, type BaseRecipe } from './baseRecipes.ts';
import { buildDebianRoot } from './debianRoot.ts';
import { runDocker } from './dockerCommand.ts';

export type LocalBaseImages = Readonly<Record<BaseName, string>>;

export type BaseImagesResult = Readonly<{
  images: LocalBaseImages;
  /** The bases built from scratch in this run (none on a warm cache). */
  built: readonly BaseName[];
  /** Seconds spent building and importing. */
  seconds: number;
}>;

async function recipeHash(recipe: BaseRecipe): Promise<string> {
  const text = JSON.stringify({ name: recipe.name, root: recipe.root, changes: recipe.changes });
  return createHash('sha256')
    .update(text)
    .update(await recipe.describe())
    .digest('hex')
    .slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function imageExists(tag: string): Promise<boolean> {
  try {
    await runDocker(['image', 'inspect', '--format', '{{.Id}}', tag]);
    return true;
  } catch {
    return false;
  }
}

/** Tars of this base's older recipes: each is hundreds of megabytes. */
async function removeOtherTars(cacheDir: string, name: BaseName, keep: string): Promise<void> {
  for (const file of await readdir(cacheDir)) {
    if (file.startsWith(`${name}-`) && file.endsWith('.tar') && file !== keep)
      await rm(join(cacheDir, file), { force: true });
  }
}

async function buildTar(
  recipe: BaseRecipe,
  cacheDir: string,
  tarPath: string,
  logPath: string,
): Promise<void> {
  const work = join(cacheDir, `${recipe.name}.work`);
  const root = join(work, 'root');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await buildDebianRoot(root, recipe.root, logPath);
  await recipe.finish(root, work, logPath);
  // Written beside, renamed at the end: a failed build never leaves a tar that looks finished.
  await runLogged('tar', ['--numeric-owner', '-C', root, '-cf', `${tarPath}.partial`, '.'], logPath);
  await rename(`${tarPath}.partial`, tarPath);
  await rm(work, { recursive: true, force: true });
}

/** Every local base, as a tag of the running engine; builds only what neither the engine nor the cache holds. */
export async function ensureLocalBaseImages(cacheDir: string, reporter: Reporter): Promise<BaseImagesResult> {
  const started = Date.now();
  await mkdir(cacheDir, { recursive: true });
  const built: BaseName[] = [];
  const images: Partial<Record<BaseName, string>> = {};
  for (const recipe of baseRecipes) {
    const hash = await recipeHash(recipe);
    const tag = `bleep-local/${recipe.name}:${hash}`;
    images[recipe.name] = tag;
    if (await imageExists(tag)) continue;
    const tarName = `${recipe.name}-${hash}.tar`;
    const tarPath = join(cacheDir, tarName);
    const logPath = join(cacheDir, 'logs', `${recipe.name}.log`);
    if (!(await exists(tarPath))) {
      await reporter.step(`build the local ${recipe.name} base (Debian ${recipe.root.suite})`, () =>
        buildTar(recipe, cacheDir, tarPath, logPath),
      );
      built.push(recipe.name);
      await removeOtherTars(cacheDir, recipe.name, tarName);
    }
    await reporter.step(`docker import ${tag}`, async () => {
      const changes = recipe.changes.flatMap((change) => ['--change', change]);
      await runDocker(['import', ...changes, tarPath, tag]);
    });
  }
  const { node, postgres, synapse } = images;
  if (!node || !postgres || !synapse) throw new Error('a base recipe is missing');
  return { images: { node, postgres, synapse }, built, seconds: (Date.now() - started) / 1000 };
}
