// What the page tells its service worker: on the dev server, the files it loaded before
// the worker was there to cache them.
import { z } from 'zod';

export const SHELL_FILES_MESSAGE = 'shell-files';

export const shellFilesMessage = z.object({
  type: z.literal(SHELL_FILES_MESSAGE),
  urls: z.array(z.string()).max(5_000),
});
