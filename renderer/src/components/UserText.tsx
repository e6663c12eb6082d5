// Text someone typed (a name, a title, a message), shown inside the app's own layout:
// isolated, with its direction taken from its own first strong character, so a
// right-to-left name or an override character cannot reorder what is around it.
export function UserText({ text, className }: { text: string; className?: string }) {
  return (
    <bdi className={className} dir="auto">
      {text}
    </bdi>
  );
}
