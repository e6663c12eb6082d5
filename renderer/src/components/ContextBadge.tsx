// What a conversation is about: a service, a request, or nothing in particular.
import type { ConversationType } from '../../../shared/schemas.ts';

const LABEL: Record<ConversationType, string> = {
  service: 'Service',
  request: 'Request',
  general: 'Direct',
};

export function ContextBadge({ type }: { type: ConversationType }) {
  return <span className={`context-badge context-${type}`}>{LABEL[type]}</span>;
}
