// Last-writer-wins between devices (reactions, scheduled messages): each change carries
// the time the user made it on their device, and the later one wins whatever order the
// changes arrive in.

/** The order-independent stamp of a change: later time wins, then the larger op id (the
 * device's ids are time-ordered). A device's clock may run ahead: a change is never
 * later than when it arrived. Compared as text. */
export function changeStamp(at: string, arrivedMs: number, opId: string): string {
  const time = new Date(Math.min(Date.parse(at), arrivedMs)).toISOString();
  return `${time}|${opId}`;
}
