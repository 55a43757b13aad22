-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "repeat" TEXT,
ADD COLUMN     "repeatUntil" TIMESTAMP(3);
