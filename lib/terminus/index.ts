import 'reflect-metadata';

export { WechatHealthIndicator } from './wechat.health-indicator.js';
