-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "messageRef" TEXT,
ADD COLUMN     "outcomeUnknown" BOOLEAN NOT NULL DEFAULT false;
