-- AlterTable
ALTER TABLE "Thread" ADD COLUMN     "relayToKind" TEXT,
ADD COLUMN     "relayToRef" TEXT;
