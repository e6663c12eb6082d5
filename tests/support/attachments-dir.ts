// Attachments of test servers live outside the checkout, one folder per database.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_ATTACHMENTS_DIR = join(tmpdir(), 'timenest-test-attachments');
