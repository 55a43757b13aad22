-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "receivesUpdates" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "relayToKind" TEXT,
ADD COLUMN     "relayToRef" TEXT;
