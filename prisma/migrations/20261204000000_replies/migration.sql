-- Replies (DESIGN §4a): a message may answer an earlier message of its conversation.
-- The original is kept as a tombstone when deleted, so the reference stays; a message
-- row removed with its conversation takes the references to it along.
ALTER TABLE `messages`
    ADD COLUMN `reply_to_id` INT NULL,
    ADD CONSTRAINT `messages_reply_to_fkey` FOREIGN KEY (`reply_to_id`) REFERENCES `messages`(`message_id`) ON DELETE SET NULL ON UPDATE RESTRICT;
