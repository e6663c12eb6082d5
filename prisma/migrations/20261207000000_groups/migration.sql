-- Groups (DESIGN §4a). A group is a conversation like any other: its seed columns name
-- the creator twice (user1_id = user2_id), and pair_key ("g:<creator>:<client id>")
-- makes its creation idempotent. Who is in it lives in conversation_members.
--
-- conversations.is_group     1 for a group;
-- conversations.group_title  its title;
-- conversations.roster_version  one more with every membership change: devices keep the
--   newest roster;
-- conversations.roster_epoch the epoch of the last membership change, so a pull brings
--   the roster only when it changed since the cursor.
ALTER TABLE `conversations`
    ADD COLUMN `is_group` TINYINT(1) NOT NULL DEFAULT 0,
    ADD COLUMN `group_title` VARCHAR(100) NULL,
    ADD COLUMN `roster_version` INT NOT NULL DEFAULT 0,
    ADD COLUMN `roster_epoch` BIGINT NOT NULL DEFAULT 0,
    ALGORITHM=INSTANT;

-- conversation_members.role          admins rename the group and add or remove members;
-- conversation_members.history_from  the first message a member may see (a member added
--   later sees the log from the message that says so);
-- conversation_members.history_to    set when they left or were removed: the last one;
-- conversation_members.left_title    the group's title then, which is what they keep.
ALTER TABLE `conversation_members`
    ADD COLUMN `role` ENUM('admin', 'member') NOT NULL DEFAULT 'member',
    ADD COLUMN `history_from` INT NOT NULL DEFAULT 0,
    ADD COLUMN `history_to` INT NULL,
    ADD COLUMN `left_title` VARCHAR(100) NULL,
    ALGORITHM=INSTANT;

-- receipt_marks: when each raise of a group member's watermark happened, so the sender
--   can see when each member first had a message and first read it ("Read by").
CREATE TABLE `receipt_marks` (
    `conversation_id` INT NOT NULL,
    `up_to` INT NOT NULL,
    `user_id` INT NOT NULL,
    `kind` ENUM('delivered', 'read') NOT NULL,
    `at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (`conversation_id`, `up_to`, `user_id`, `kind`),
    CONSTRAINT `receipt_marks_conversation_fkey` FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`conversation_id`) ON DELETE CASCADE ON UPDATE RESTRICT,
    CONSTRAINT `receipt_marks_user_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`user_id`) ON DELETE CASCADE ON UPDATE RESTRICT
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
