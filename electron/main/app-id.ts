// The app's identity, shared by code and packaging. electron-builder.yml repeats these
// values (YAML cannot import); builder-config.test.ts fails when the two drift apart.

/** Windows AppUserModelId and electron-builder appId. Never change it after a release:
 * Windows ties toasts and the Start-menu shortcut to it. */
export const APP_ID = 'chat.timenest.desktop';
export const PRODUCT_NAME = 'TimeNest Chat';
/** The scheme of deep links: timenest://chat/<userId>?conversation_id=<id> */
export const DEEP_LINK_SCHEME = 'timenest';
/** Linux: Electron reads `desktopName` to find the launcher entry that shows the badge. */
export const LINUX_DESKTOP_NAME = 'timenest-chat.desktop';
