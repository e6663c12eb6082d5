-- Sync protocol v2 (docs/sync.md).
--
-- sync_clock: the change epoch. Every write reads it under a shared lock and stamps the
--   rows it changes with it; a seal raises it under an exclusive lock, which waits for
--   the writers still holding the old value. So once the clock reads E, everything
--   stamped below E has committed, whatever order transactions committed in.
--   server_id names this database in cursors, so a cursor from another one is refused.
CREATE TABLE `sync_clock` (
    `id` TINYINT NOT NULL,
    `epoch` BIGINT NOT NULL,
    `server_id` CHAR(32) NOT NULL,
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

INSERT INTO `sync_clock` (`id`, `epoch`, `server_id`) VALUES (1, 2, REPLACE(UUID(), '-', ''));

-- conversation_members: one row per participant. It carries the member's watermarks
--   (receipts: delivered and read up to a message id) and change_epoch, the epoch of the
--   conversation's last change as seen by this member: (user_id, change_epoch) is the
--   per-user index a pull reads, so a pull's cost follows what changed, not how many
--   conversations the user has. Rows are never deleted by the sync; left_at marks a
--   member who may no longer see the conversation, and tells their devices to drop it.
CREATE TABLE `conversation_members` (
    `conversation_id` INT NOT NULL,
    `user_id` INT NOT NULL,
    `joined_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `left_at` DATETIME(3) NULL,
    `delivered_up_to` INT NOT NULL DEFAULT 0,
    `read_up_to` INT NOT NULL DEFAULT 0,
    `change_epoch` BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (`conversation_id`, `user_id`),
    INDEX `idx_members_user_change` (`user_id`, `change_epoch`),
    CONSTRAINT `conversation_members_conversation_fkey` FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`conversation_id`) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT `conversation_members_user_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Existing conversations: both participants, with the watermarks their receipts reached
-- (v1 receipts raised every message up to one id, so the highest raised id is it).
INSERT INTO `conversation_members` (`conversation_id`, `user_id`, `joined_at`, `delivered_up_to`, `read_up_to`, `change_epoch`)
SELECT c.`conversation_id`, p.`user_id`, COALESCE(c.`created_at`, CURRENT_TIMESTAMP(3)),
       COALESCE((SELECT MAX(m.`message_id`) FROM `messages` m
                  WHERE m.`conversation_id` = c.`conversation_id` AND m.`sender_id` <> p.`user_id`
                    AND m.`status` IN ('delivered', 'read')), 0),
       COALESCE((SELECT MAX(m.`message_id`) FROM `messages` m
                  WHERE m.`conversation_id` = c.`conversation_id` AND m.`sender_id` <> p.`user_id`
                    AND m.`status` = 'read'), 0),
       1
  FROM `conversations` c
  JOIN (SELECT `conversation_id`, `user1_id` AS `user_id` FROM `conversations`
        UNION SELECT `conversation_id`, `user2_id` FROM `conversations`) p
    ON p.`conversation_id` = c.`conversation_id`;

-- conversations.message_version: how many message changes (sends, edits, deletes) the
--   conversation has had; devices check the steps of their live stream against it.
ALTER TABLE `conversations` CHANGE `change_seq` `message_version` BIGINT NOT NULL DEFAULT 0;

-- messages.change_epoch: the epoch of the message's last change (was a per-conversation
--   number). Everything already stored belongs to epoch 1.
ALTER TABLE `messages` CHANGE `change_seq` `change_epoch` BIGINT NOT NULL DEFAULT 0,
    DROP INDEX `idx_messages_conversation_change`,
    ADD INDEX `idx_messages_conversation_epoch` (`conversation_id`, `change_epoch`);
UPDATE `messages` SET `change_epoch` = 1;
