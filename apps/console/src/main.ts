import 'reflect-metadata';
import { createConsoleApp } from './bootstrap';
import { loadConsoleEnvironmentOrExit } from './config/console-environment';

async function main(): Promise<void> {
  const env = loadConsoleEnvironmentOrExit();
  const app = await createConsoleApp(env);
  await app.listen(env.PORT);
}

void main();
