// In place of the composer once this user left a group or was removed from it: the
// history stays readable, nothing more can be written.
export const NO_LONGER_MEMBER = 'You’re no longer a member of this group.';

export function LeftGroupNotice() {
  return (
    <div className="composer composer-notice" role="status">
      {NO_LONGER_MEMBER}
    </div>
  );
}
